"""Seclusion and long-term segregation: running episodes with their live review clocks, and
the forms that start them, record observations, reviews and engagement, revise the LTS care
plan and end them (domain.md §3). The clocks are the domain's; these screens only show them.
"""
