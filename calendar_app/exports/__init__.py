"""Exports of what the pages show, as files an office prints or sends: Word, Excel, PDF (issue 12).

document_frame.py is the administrative document every .docx sits in; week.py (the weekly
schedule) builds its table in it. No module here connects to the database: the routes give them rows.
"""
