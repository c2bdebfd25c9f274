"""Every write in the blogs app, one module per noun: blogs, entries, comments, reads, follows, feeds."""
