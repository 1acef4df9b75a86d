"""A season folder: several events, one SQLite file each, served by one server (`roadshow serve FOLDER`).

folder.py     which files of the folder are events, and their slugs
host_file.py  the folder's host password, session secret and live-event choice (small files, atomic)
running.py    each event's own app (create_app) started with its lifespan, lock and backups
creating.py   new events: blank, copied, from a spreadsheet
round_form.py the next round of a finished event (preview, then app/rounds.py)
dispatch.py   the ASGI app: /e/<slug>/... to each event, /events to the list, the short URLs to the live one
pages.py      the host's event list and its forms
serve.py      `roadshow serve FOLDER` / `roadshow password FOLDER`
"""
