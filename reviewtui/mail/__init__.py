"""Mail: minutes to the people who were there, invitations and their changes, reminders.

``compose`` builds messages, ``transport`` talks to the server (``[smtp]`` settings), and
``minutes``, ``invites`` and ``remind`` put them together with what the database knows
(:mod:`reviewtui.db.mail`). Nothing here is imported at start-up: smtplib and email load when
a command or the minutes screen sends something.
"""
