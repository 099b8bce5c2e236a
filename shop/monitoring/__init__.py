"""Monitoring: the coordinator's overview, the figures of the groups in
their scope (monev) with their CSV/XLSX exports, the funders' report of a
group and the audit log page. Reads only (plus the audit entry of each
download); it sits above the domains it reads."""
