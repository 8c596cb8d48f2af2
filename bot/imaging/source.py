"""The pictures a result file is made from, kept with the file so that it can be made again, smaller.

Discord tells the bot with every interaction how large an attachment may be, yet may still refuse a file
within that size (413 / 40005: the server lost a boost since, or a proxy on the way has a limit of its
own). The poller then asks for a clearly smaller file from the same pictures instead of failing the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.imaging.encode import EncodedImage, encode_single_async
from bot.imaging.grid import compose_grid_async

__all__ = ["SHRINK_FACTOR", "ResultPictures"]

#: a refused file is made again within this share of its size: small steps could take many refusals,
#: large ones would cost quality for nothing (the real limit is rarely far below the advertised one)
SHRINK_FACTOR: Final = 0.7


@dataclass(frozen=True, slots=True)
class ResultPictures:
    """A job's downloaded pictures and how they are shown: composed into the 2×2 grid, or the first alone."""

    pictures: tuple[bytes, ...]
    #: compose a grid of separate images; False for one image or a grid the service drew itself
    as_grid: bool

    @classmethod
    def of(cls, pictures: tuple[bytes, ...], *, service_made_grid: bool) -> ResultPictures:
        """The pictures of a finished job; a lone picture or the service's own grid is sent as it is."""
        if not pictures:
            raise ValueError("a result has at least one picture")
        return cls(pictures, as_grid=not service_made_grid and len(pictures) > 1)

    async def encode(self, max_bytes: int) -> EncodedImage:
        """The file to upload, within ``max_bytes`` (PNG when it fits, else JPEG), built in a worker thread."""
        if self.as_grid:
            return await compose_grid_async(self.pictures, max_bytes=max_bytes)
        return await encode_single_async(self.pictures[0], max_bytes)

    async def smaller_than(self, refused: EncodedImage) -> EncodedImage:
        """A file of at most ``SHRINK_FACTOR`` of ``refused``'s size; ``ImageDoesNotFit`` when none can be."""
        return await self.encode(max(1, int(refused.size * SHRINK_FACTOR)))

    def __repr__(self) -> str:  # never dump megabytes into a log line
        sizes = ", ".join(str(len(picture)) for picture in self.pictures)
        return f"ResultPictures(as_grid={self.as_grid}, bytes=[{sizes}])"
