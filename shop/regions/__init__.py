"""Indonesian administrative regions with their Kemendagri codes (idn-area-data, ODbL)."""
