"""The app's glue: connection and cached queries, sidebar and URL, render helpers, editor actions."""
