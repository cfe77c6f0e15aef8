"""Signing for bulk issuance, in this process or in worker processes.

A worker never touches the database: it gets the unsealed key (an ``IssuerSigner``) and the
documents, and signs with the one signing call (``issuer_keys.issuer_sign``), which is pure
computation. Workers are forked (``spawn`` would re-run the parent's main module, which a script
without a ``__main__`` guard cannot survive); a forked worker inherits the parent's open
database socket but never uses it, and leaves through ``os._exit`` like every multiprocessing
worker, so nothing is sent on it. Signing (RDFC-1.0 canonicalization, SHA-256, Ed25519) is pure
CPU work; on a machine with more than one core, workers let it run beside the parent's database
work.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from microcred.issuance.documents import stored_json
from microcred.issuance.issuer_keys import IssuerSigner, issuer_sign
from microcred.vc.keys import Ed25519Multikey

__all__ = ["Signer"]

_signer: IssuerSigner | None = None


def _init(key_json: dict[str, Any], verification_method: str) -> None:
    global _signer
    _signer = IssuerSigner(key=Ed25519Multikey.from_json(key_json),
                           verification_method=verification_method)


def _sign_batch(documents: list[dict[str, Any]]) -> list[str]:
    """Each document signed and serialized as issuance stores it (``documents.stored_json``)."""
    assert _signer is not None  # noqa: S101 - _init runs first in every worker
    return [stored_json(issuer_sign(d, key=_signer)) for d in documents]


class Signer:
    """Signs batches of documents: inline with ``processes=0``, else in a pool of processes.

    ``submit`` returns a function that waits for (and returns) the signed texts in order, so
    the caller can prepare the next chunk while this one is being signed."""

    def __init__(self, *, signer: IssuerSigner, processes: int = 0) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        # The key crosses to the workers as its JSON form (what the sealed copy holds).
        initargs = (signer.key.to_json(), signer.verification_method)
        if processes > 0:
            self._pool = ProcessPoolExecutor(
                max_workers=processes, mp_context=multiprocessing.get_context("fork"),
                initializer=_init, initargs=initargs)
        else:
            _init(*initargs)

    def submit(self, documents: list[dict[str, Any]]) -> Callable[[], list[str]]:
        if self._pool is None:
            signed = _sign_batch(documents)
            return lambda: signed
        # One batch per worker, so every worker signs a share of each chunk.
        size = -(-len(documents) // self.processes)
        futures: list[Future[list[str]]] = [
            self._pool.submit(_sign_batch, documents[i:i + size])
            for i in range(0, len(documents), size)]

        def result() -> list[str]:
            out: list[str] = []
            for future in futures:
                out.extend(future.result())
            return out

        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
