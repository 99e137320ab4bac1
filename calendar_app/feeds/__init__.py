"""iCalendar feeds: routes, the pure builder and the feed cache."""
