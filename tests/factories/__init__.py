"""factory_boy factories, one per model. Each app's factories live in a module here; import from this package."""

from .blogs import (  # noqa: F401
    BlogFactory,
    CommentFactory,
    EntryFactory,
    EntryReadFactory,
    FeedTokenFactory,
    TagFactory,
    TagFollowFactory,
)
from .facilitation import (  # noqa: F401
    BuddyPairFactory,
    CohortFacilitationFactory,
    NudgeFactory,
    PromptTemplateFactory,
    ReviewRequestFactory,
    ScheduledPromptFactory,
)
from .forums import BoardFactory, FlagFactory, ReactionFactory, TopicFactory, reply_to  # noqa: F401
from .metrics import ActivityFactory
from .onboarding import (  # noqa: F401
    CoachTermFactory,
    GoalFactory,
    GoalLadderFactory,
    GoalStageFactory,
    LessonFactory,
    PolicyAcknowledgementFactory,
    PolicyVersionFactory,
    SurveyFactory,
)
from .portal import (
    CohortFactory,
    CohortSessionFactory,
    FollowFactory,
    InvitationFactory,
    MembershipFactory,
    NotificationFactory,
    ProfileFactory,
    UserFactory,
    facilitator_of,
    member_of,
)

__all__ = [
    "ActivityFactory",
    "CohortFactory",
    "CohortSessionFactory",
    "FollowFactory",
    "InvitationFactory",
    "MembershipFactory",
    "NotificationFactory",
    "ProfileFactory",
    "UserFactory",
    "facilitator_of",
    "member_of",
]
