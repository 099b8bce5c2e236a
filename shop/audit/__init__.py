"""The audit log: who did what, when and why (models and the record helper).

Low in the layering (above accounts, below groups): it refers to groups,
products and exhibitions by table and class name only, so it imports none of
their packages.
"""
