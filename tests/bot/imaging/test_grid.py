"""The 2×2 grid: cell order, sizes and shapes, the byte limit, hostile inputs, and the worker thread."""

import asyncio
import io
import threading

import pytest
from PIL import Image

import bot.imaging.grid as grid_module
from bot.imaging import (
    GridLayout,
    ImageTooLarge,
    UnreadableImage,
    build_grid,
    compose_grid,
    compose_grid_async,
    grid_layout,
)
from tests.bot.imaging import (
    BLUE,
    COLOURS,
    GREEN,
    RED,
    YELLOW,
    close_to,
    encoded,
    photo_like,
    png_claiming_size,
    solid,
)

BLACK = (0, 0, 0)
TEN_MIB = 10 * 1024 * 1024


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def _cell_centres(layout: GridLayout) -> list[tuple[int, int]]:
    centres = []
    for index in range(layout.columns * layout.rows):
        left, top, right, bottom = layout.cell_box(index)
        centres.append(((left + right) // 2, (top + bottom) // 2))
    return centres


def test_images_go_to_cells_in_button_order() -> None:
    result = compose_grid([solid(colour) for colour in COLOURS], max_bytes=TEN_MIB)
    picture = _decode(result.data)
    assert (result.format, result.extension, picture.size) == ("PNG", "png", (128, 128))
    # U1 top-left, U2 top-right, U3 bottom-left, U4 bottom-right
    assert picture.getpixel((32, 32)) == RED
    assert picture.getpixel((96, 32)) == GREEN
    assert picture.getpixel((32, 96)) == BLUE
    assert picture.getpixel((96, 96)) == YELLOW


def test_a_gap_separates_the_cells() -> None:
    result = compose_grid([solid(colour) for colour in COLOURS], max_bytes=TEN_MIB, gap=8)
    picture = _decode(result.data)
    assert picture.size == (136, 136)
    assert [picture.getpixel(centre) for centre in ((32, 32), (104, 32), (32, 104), (104, 104))] == list(COLOURS)
    assert picture.getpixel((67, 20)) == BLACK  # vertical gap
    assert picture.getpixel((20, 67)) == BLACK  # horizontal gap
    assert picture.getpixel((63, 63)) == RED and picture.getpixel((72, 72)) == YELLOW  # cells end where gaps begin


def test_large_jpeg_inputs_are_reduced_to_the_cell_size() -> None:
    inputs = [solid(colour, (512, 512), "JPEG") for colour in COLOURS]
    result = compose_grid(inputs, max_bytes=TEN_MIB, cell_max_side=128)
    picture = _decode(result.data)
    assert picture.size == (256, 256)
    for centre, colour in zip(_cell_centres(grid_layout([(128, 128)] * 4)), COLOURS, strict=True):
        assert close_to(picture.getpixel(centre), colour)


def test_mixed_sizes_and_shapes_are_letterboxed_into_equal_cells() -> None:
    inputs = [
        solid(RED, (200, 100)),  # wide: bars above and below
        solid(GREEN, (100, 200)),  # tall: bars left and right
        solid(BLUE, (20, 20)),  # small: scaled up to fill the cell
        solid(YELLOW, (400, 400)),  # large: scaled down to the cap
    ]
    picture = build_grid(inputs, cell_max_side=100)
    assert picture.size == (200, 200)
    assert picture.getpixel((50, 50)) == RED
    assert picture.getpixel((50, 10)) == BLACK and picture.getpixel((50, 90)) == BLACK
    assert picture.getpixel((5, 50)) == RED and picture.getpixel((95, 50)) == RED
    assert picture.getpixel((150, 50)) == GREEN
    assert picture.getpixel((110, 50)) == BLACK and picture.getpixel((190, 50)) == BLACK
    assert picture.getpixel((150, 5)) == GREEN and picture.getpixel((150, 95)) == GREEN
    for corner in ((3, 103), (96, 103), (3, 196), (96, 196)):
        assert close_to(picture.getpixel(corner), BLUE)
    assert picture.getpixel((103, 103)) == YELLOW and picture.getpixel((196, 196)) == YELLOW


@pytest.mark.parametrize(
    ("count", "columns", "rows"),
    [(1, 1, 1), (2, 2, 1), (3, 2, 2), (4, 2, 2)],
)
def test_fewer_images_make_a_smaller_grid(count: int, columns: int, rows: int) -> None:
    layout = grid_layout([(64, 64)] * count)
    assert (layout.columns, layout.rows, layout.size) == (columns, rows, (64 * columns, 64 * rows))
    picture = _decode(compose_grid([solid(colour) for colour in COLOURS[:count]], max_bytes=TEN_MIB).data)
    assert picture.size == layout.size
    centres = _cell_centres(layout)
    assert [picture.getpixel(centre) for centre in centres[:count]] == list(COLOURS[:count])
    assert [picture.getpixel(centre) for centre in centres[count:]] == [BLACK] * (len(centres) - count)


def test_layout_cells_are_the_bounding_box_of_the_capped_images() -> None:
    layout = grid_layout([(2048, 1024), (512, 768), (300, 300)], cell_max_side=1024, gap=4)
    assert (layout.cell_width, layout.cell_height) == (1024, 768)  # 2048×1024 capped to 1024×512
    assert layout.size == (2 * 1024 + 4, 2 * 768 + 4)
    assert layout.cell_box(3) == (1028, 772, 2052, 1540)


@pytest.mark.parametrize("count", [0, 5])
def test_a_grid_holds_one_to_four_images(count: int) -> None:
    with pytest.raises(ValueError, match="1 to 4"):
        grid_layout([(8, 8)] * count)


def test_transparent_palette_and_grey_inputs_are_composed_in_rgb() -> None:
    half_transparent = Image.new("RGBA", (64, 64), (*RED, 255))
    half_transparent.paste((0, 0, 0, 0), (0, 0, 64, 32))
    palette = Image.new("RGB", (64, 64), GREEN).convert("P", palette=Image.Palette.ADAPTIVE)
    grey = Image.new("L", (64, 64), 128)
    picture = build_grid([encoded(half_transparent), encoded(palette), encoded(grey), solid(YELLOW, fmt="WEBP")])
    assert picture.mode == "RGB"
    assert picture.getpixel((32, 10)) == BLACK and picture.getpixel((32, 50)) == RED
    assert picture.getpixel((96, 32)) == GREEN
    assert picture.getpixel((32, 96)) == (128, 128, 128)
    assert close_to(picture.getpixel((96, 96)), YELLOW)


@pytest.fixture(scope="module")
def generated_grid_inputs() -> list[bytes]:
    return [encoded(photo_like(seed), compress_level=1) for seed in range(4)]


def _assert_cells_show_the_inputs(picture: Image.Image, inputs: list[bytes], tolerance: int) -> None:
    cell = picture.width // 2
    for index, data in enumerate(inputs):
        source = Image.open(io.BytesIO(data)).convert("RGB").resize((cell, cell))
        left, top = index % 2 * cell, index // 2 * cell
        for x, y in ((cell // 2, cell // 2), (cell // 4, cell // 3), (cell * 3 // 4, cell * 2 // 3)):
            assert close_to(picture.getpixel((left + x, top + y)), source.getpixel((x, y)), tolerance)


def test_four_1024_images_fit_in_ten_mib(generated_grid_inputs: list[bytes]) -> None:
    result = compose_grid(generated_grid_inputs, max_bytes=TEN_MIB)
    assert result.size <= TEN_MIB
    assert result.format == "PNG"  # ~6 MB: lossless still fits
    picture = _decode(result.data)
    assert picture.size == (result.width, result.height) == (2048, 2048)
    _assert_cells_show_the_inputs(picture, generated_grid_inputs, tolerance=24)


def test_four_1024_images_fit_a_tiny_limit_as_a_jpeg(generated_grid_inputs: list[bytes]) -> None:
    result = compose_grid(generated_grid_inputs, max_bytes=200_000)
    assert result.size <= 200_000
    assert (result.format, result.extension) == ("JPEG", "jpg")
    picture = _decode(result.data)
    assert picture.size == (result.width, result.height)
    assert picture.width == picture.height >= 512  # shape kept; shrunk only as far as the limit needs
    _assert_cells_show_the_inputs(picture, generated_grid_inputs, tolerance=48)


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        b"definitely not an image",
        solid(RED)[:60],  # truncated PNG
        solid(RED, fmt="BMP"),  # a format we do not let Pillow parse
    ],
    ids=["empty", "text", "truncated", "bmp"],
)
def test_an_unreadable_input_is_refused_clearly(bad: bytes) -> None:
    with pytest.raises(UnreadableImage) as caught:
        compose_grid([solid(RED), bad], max_bytes=TEN_MIB)
    assert caught.value.user_message


@pytest.mark.parametrize(("width", "height"), [(8000, 8000), (100_000, 100_000)])
def test_a_decompression_bomb_header_is_refused_before_decoding(width: int, height: int) -> None:
    with pytest.raises(ImageTooLarge) as caught:
        compose_grid([solid(RED), png_claiming_size(width, height)], max_bytes=TEN_MIB)
    assert "pixels" in caught.value.user_message


def test_the_pixel_limit_is_a_parameter() -> None:
    with pytest.raises(ImageTooLarge, match="300×300"):
        compose_grid([solid(RED, (300, 300))], max_bytes=TEN_MIB, max_pixels=250 * 250)
    assert compose_grid([solid(RED, (200, 200))], max_bytes=TEN_MIB, max_pixels=250 * 250).width == 200


async def test_the_async_wrapper_works_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch, generated_grid_inputs: list[bytes]
) -> None:
    threads: list[int] = []
    real_fit_to_limit = grid_module.fit_to_limit

    def recording_fit_to_limit(image: Image.Image, max_bytes: int) -> object:
        threads.append(threading.get_ident())
        return real_fit_to_limit(image, max_bytes)

    monkeypatch.setattr(grid_module, "fit_to_limit", recording_fit_to_limit)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.002)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    try:
        result = await compose_grid_async(generated_grid_inputs, max_bytes=TEN_MIB)
    finally:
        ticking.cancel()
    assert threads and threads[0] != threading.get_ident()
    assert ticks >= 5, "the event loop was blocked while the grid was composed"
    assert result.size <= TEN_MIB and _decode(result.data).size == (2048, 2048)
