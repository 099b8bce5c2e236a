"""The URL map of the cart blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.cart import views

bp = Blueprint("cart", __name__)

# views.py: the cart
bp.add_url_rule("/keranjang/tambah", "add", views.add, methods=["POST"])
bp.add_url_rule("/keranjang", "show", views.show, methods=["GET"])
bp.add_url_rule("/keranjang/ubah", "update", views.update, methods=["POST"])
bp.add_url_rule("/keranjang/hapus/<int:variant_id>", "remove", views.remove, methods=["POST"])
