"""Results -> rich table | JSON | CSV | Markdown."""
