"""The content Keystone ships with: default curriculum, policy, surveys, goal ladder and coach lists.

Installed by a data migration through ``install`` (historical models, idempotent: rows that exist are
left alone, so L&D edits are never overwritten). The texts are Keystone's own.
"""

from .install import install

__all__ = ["install"]
