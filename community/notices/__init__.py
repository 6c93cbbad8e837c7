"""Notices (お知らせ): listing, detail and editing for groups."""
