"""The console's screens: the exercise (live or review), the small command modals
(decision, inject, ad-hoc inject, player move, note, rating, end), the log filter, the review
jump, the review's fork and the comparison after it, and the help screen."""
