"""gensim's ``add_lifecycle_event``: the records ``lifecycle_events`` keeps of what happened
to an object (created, trained, saved, loaded), shared by :class:`fastw2v.Word2Vec` and
:class:`fastw2v.KeyedVectors` as gensim's ``SaveLoad`` shares it."""
import logging
import platform
import sys
from datetime import datetime

from ._version import __version__

logger = logging.getLogger("fastw2v")


class LifecycleEvents:
    """A mixin: :meth:`add_lifecycle_event`, and the ``lifecycle_events`` list it starts."""

    def add_lifecycle_event(self, event_name, log_level=logging.INFO, **event):
        """Appends a record to ``lifecycle_events`` (started on the first event; None stops
        the records) and logs it, as gensim does.

        Parameters
        ----------
        event_name : str
        log_level : int or False
            Log the record at this level (False: not at all).
        **event
            The record's own keys; ``datetime``, ``fastw2v``, ``python``, ``platform`` and
            ``event`` are added.
        """
        record = dict(event, datetime=datetime.now().isoformat(), fastw2v=__version__,
                      python=sys.version, platform=platform.platform(), event=event_name)
        if not hasattr(self, "lifecycle_events"):
            self.lifecycle_events = []
        if log_level:
            logger.log(log_level, "%s lifecycle event %s", type(self).__name__, record)
        if self.lifecycle_events is not None:
            self.lifecycle_events.append(record)
