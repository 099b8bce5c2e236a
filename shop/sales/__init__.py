"""A group's sales: the figures of both channels (online orders and
consignment) month by month, and the group's page that shows them."""
