"""The console's widgets: each renders one slice of `State` (or the record of events) and
holds nothing but view state (scroll position, cursor, the last thing it drew)."""
