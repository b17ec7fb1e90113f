"""The console's screens: the exercise (live or review), the small command modals
(decision, inject, ad-hoc inject, player move, note, end), the log filter, the review
jump and the help screen."""
