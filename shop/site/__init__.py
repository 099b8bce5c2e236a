"""The site's own pages: home, language switch, robots.txt and the favicon,
the sitemaps, page metadata for every template, and the health probes."""
