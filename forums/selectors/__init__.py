"""Every non-trivial read in the forums, with what the page needs already joined (bounded query counts)."""

from .boards import board_list, board_watched, manageable_boards, visible_board
from .moderation import audit_entries, review_queue, review_queue_count
from .posts import TopicPage, post_history, topic_page
from .search import SearchResult, search_posts
from .topics import TOPIC_SORTS, board_topics, latest_topics

__all__ = [
    "TOPIC_SORTS",
    "SearchResult",
    "TopicPage",
    "audit_entries",
    "board_list",
    "board_topics",
    "board_watched",
    "latest_topics",
    "manageable_boards",
    "post_history",
    "review_queue",
    "review_queue_count",
    "search_posts",
    "topic_page",
    "visible_board",
]
