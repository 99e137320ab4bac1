"""Following an agreement through its term: periods computed from the term, states derived from records and the clock."""
