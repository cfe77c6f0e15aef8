"""Deprecated: ``microcred.sealing`` with ``Purpose.ISSUER_KEY``; kept until its last callers
(``issuance.services``) call that."""

from functools import partial

from microcred import sealing
from microcred.sealing import Purpose, SealError

__all__ = ["SealError", "seal", "unseal"]

seal = partial(sealing.seal, purpose=Purpose.ISSUER_KEY)
unseal = partial(sealing.unseal, purpose=Purpose.ISSUER_KEY)
