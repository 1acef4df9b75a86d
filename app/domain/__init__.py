"""Pure domain logic: models, scoring, ranking, awards and the event state machine.

Nothing here imports from the web layer or the database.
"""
