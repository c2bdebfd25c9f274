"""Onboarding models, one module per noun: lessons, the coach, the policy, surveys, goals and the path."""

from .coach import CoachRule, CoachTerm
from .goals import Goal, GoalLadder, GoalProgress, GoalReminder, GoalStage
from .lessons import Curriculum, CurriculumItem, Lesson, LessonProgress, LessonStep
from .path import CohortOnboarding, OnboardingPath, Step
from .policy import PolicyAcknowledgement, PolicyVersion
from .surveys import Survey, SurveyAnswer, SurveyItem, SurveyResponse, SurveyRound

__all__ = [
    "CoachRule",
    "CoachTerm",
    "CohortOnboarding",
    "Curriculum",
    "CurriculumItem",
    "Goal",
    "GoalLadder",
    "GoalProgress",
    "GoalReminder",
    "GoalStage",
    "Lesson",
    "LessonProgress",
    "LessonStep",
    "OnboardingPath",
    "PolicyAcknowledgement",
    "PolicyVersion",
    "Step",
    "Survey",
    "SurveyAnswer",
    "SurveyItem",
    "SurveyResponse",
    "SurveyRound",
]
