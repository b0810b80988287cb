"""Orders themselves: the order service (:mod:`.services`), its totals, the stock its statuses move
(:mod:`.stock`), the review of large orders (:mod:`.approval`), and the order form (:mod:`.pages`)."""
