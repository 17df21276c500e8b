"""Open311 GeoReport v2 at /open311/v2/ (see docs/street-reports.md, "Open311")."""
