"""Advice built on the assessments: compare models side by side, choose one for stated needs,
and cost it. Every fact shown here is read from the same assessments and rights `show` and
`can` give, never recomputed."""
