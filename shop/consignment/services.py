"""Writes for consignment: outlets, drop-offs, visits, and taking a mistake back.

The work lives in three modules, gathered here for the views, forms and
tests that call them: `outlets` (outlets, the outlet lock and what every
write shares), `notes` (leaving goods, cancelling a note) and `visits`
(recording and taking back a visit). Each function is one transaction's
worth of work and raises DomainError (with a message for the person) before
or instead of changing anything it should not; the calling view commits or
rolls back (shop.transaction). What may happen in which state is
declared in `shop.consignment.workflow`, which the pages read too.
"""

from __future__ import annotations

from shop.consignment.notes import Item as Item
from shop.consignment.notes import cancel_consignment as cancel_consignment
from shop.consignment.notes import leave_goods as leave_goods
from shop.consignment.notes import new_consignment_number as new_consignment_number
from shop.consignment.outlets import MAX_DAYS_BACK as MAX_DAYS_BACK
from shop.consignment.outlets import MAX_LINES as MAX_LINES
from shop.consignment.outlets import MAX_MONEY as MAX_MONEY
from shop.consignment.outlets import MAX_QUANTITY as MAX_QUANTITY
from shop.consignment.outlets import MAX_QUANTITY_SHOWN as MAX_QUANTITY_SHOWN
from shop.consignment.outlets import MAX_UNIT_PRICE as MAX_UNIT_PRICE
from shop.consignment.outlets import NOTE_LENGTH as NOTE_LENGTH
from shop.consignment.outlets import OutletData as OutletData
from shop.consignment.outlets import StaleForm as StaleForm
from shop.consignment.outlets import archive_outlet as archive_outlet
from shop.consignment.outlets import create_outlet as create_outlet
from shop.consignment.outlets import goods_out as goods_out
from shop.consignment.outlets import latest_consignment_id as latest_consignment_id
from shop.consignment.outlets import latest_visit_id as latest_visit_id
from shop.consignment.outlets import restore_outlet as restore_outlet
from shop.consignment.outlets import update_outlet as update_outlet
from shop.consignment.visits import Count as Count
from shop.consignment.visits import record_visit as record_visit
from shop.consignment.visits import undo_visit as undo_visit
from shop.consignment.workflow import latest_visit as latest_visit
