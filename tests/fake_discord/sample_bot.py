"""A small but complete discord.py bot the fake Discord tests run: every kind of interaction it answers."""

from __future__ import annotations

import asyncio
import io
import re

import discord
from discord import app_commands
from discord.ext import commands
from PIL import Image


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


class UpscaleButton(discord.ui.DynamicItem[discord.ui.Button], template=r"grid:(?P<job>\d+):U(?P<index>[1-4])"):
    """Survives restarts: everything it needs is in its custom_id."""

    def __init__(self, job: int, index: int) -> None:
        super().__init__(discord.ui.Button(label=f"U{index}", custom_id=f"grid:{job}:U{index}"))
        self.job, self.index = job, index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> UpscaleButton:
        return cls(int(match["job"]), int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"upscaling image {self.index} of job {self.job}", ephemeral=True)


class RemixModal(discord.ui.Modal, title="Remix"):
    prompt: discord.ui.TextInput = discord.ui.TextInput(label="New prompt", custom_id="remix_prompt", max_length=50)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"remixing: {self.prompt.value}")


class GridBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.http_errors: list[discord.HTTPException] = []
        self.proceed = asyncio.Event()
        self.seen_limits: list[int] = []
        self.seen_attachments: list[tuple[str, bytes]] = []

    async def setup_hook(self) -> None:
        self.add_dynamic_items(UpscaleButton)
        for command in COMMANDS:
            self.tree.add_command(command)
        await self.tree.sync()


@app_commands.command(description="Draw a grid")
@app_commands.describe(prompt="what to draw")
async def imagine(interaction: discord.Interaction[GridBot], prompt: str) -> None:
    await interaction.response.defer(thinking=True)
    interaction.client.seen_limits.append(interaction.filesize_limit)
    view = discord.ui.View(timeout=None)
    view.add_item(UpscaleButton(7, 2))
    await interaction.edit_original_response(
        content=f"**{prompt}** — done", attachments=[discord.File(io.BytesIO(png(64, 48, (200, 30, 30))), "grid.png")],
        view=view,
    )


@app_commands.command(description="Remix through a modal")
async def remix(interaction: discord.Interaction[GridBot]) -> None:
    await interaction.response.send_modal(RemixModal())


@app_commands.command(description="Defer, then two followups")
async def chatty(interaction: discord.Interaction[GridBot]) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.followup.send("first followup fills the deferred reply")
    await interaction.followup.send("second followup, only for you", ephemeral=True)


@app_commands.command(description="Defer and edit when told to")
async def slow(interaction: discord.Interaction[GridBot]) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.client.proceed.wait()
    try:
        await interaction.edit_original_response(content="finished through the token")
    except discord.HTTPException as error:
        interaction.client.http_errors.append(error)


@app_commands.command(description="Look at an image")
async def describe(interaction: discord.Interaction[GridBot], image: discord.Attachment) -> None:
    interaction.client.seen_attachments.append((image.filename, await image.read()))
    await interaction.response.send_message(f"{image.filename}: {image.width}x{image.height}, {image.size} bytes")


@app_commands.command(description="Answers too late")
async def late(interaction: discord.Interaction[GridBot]) -> None:
    await asyncio.sleep(0.3)
    try:
        await interaction.response.send_message("too late")
    except discord.HTTPException as error:
        interaction.client.http_errors.append(error)


@app_commands.command(description="Sends a file over the limit")
async def too_big(interaction: discord.Interaction[GridBot]) -> None:
    await interaction.response.defer()
    try:
        await interaction.edit_original_response(attachments=[discord.File(io.BytesIO(b"x" * 5000), "big.bin")])
    except discord.HTTPException as error:
        interaction.client.http_errors.append(error)
        await interaction.edit_original_response(content="that file is too large")


@app_commands.command(description="Pick a model")
async def pick(interaction: discord.Interaction[GridBot], model: str) -> None:
    await interaction.response.send_message(f"picked {model}")


@pick.autocomplete("model")
async def pick_model(interaction: discord.Interaction[GridBot], typed: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name.title(), value=name) for name in MODELS if name.startswith(typed)]


@app_commands.command(description="Choose a style from a menu")
async def style(interaction: discord.Interaction[GridBot]) -> None:
    view = discord.ui.View(timeout=30)
    menu: discord.ui.Select = discord.ui.Select(
        custom_id="style_menu", options=[discord.SelectOption(label=s, value=s) for s in ("anime", "photo")]
    )

    async def chosen(choice: discord.Interaction[GridBot]) -> None:
        view.stop()  # a finished view must not leave its timeout task behind
        await choice.response.edit_message(content=f"style: {menu.values[0]}", view=None)

    menu.callback = chosen
    view.add_item(menu)
    await interaction.response.send_message("choose a style", view=view)


admin = app_commands.Group(name="admin", description="Server admin tools", guild_only=True)


@admin.command(name="purge", description="Forget cached jobs")
@app_commands.checks.has_permissions(administrator=True)
async def purge(interaction: discord.Interaction[GridBot], days: app_commands.Range[int, 1, 30]) -> None:
    await interaction.response.send_message(f"purged {days} days", ephemeral=True)


@purge.error
async def purge_refused(interaction: discord.Interaction[GridBot], error: app_commands.AppCommandError) -> None:
    if isinstance(error, app_commands.MissingPermissions):
        await interaction.response.send_message("only administrators may do that", ephemeral=True)


@app_commands.command(description="Where am I")
async def where(interaction: discord.Interaction[GridBot]) -> None:
    place = interaction.guild.name if interaction.guild else "a direct message"
    await interaction.response.send_message(f"{place}, locale {interaction.locale.value}")


COMMANDS = (imagine, remix, chatty, slow, describe, late, too_big, pick, style, admin, where)
MODELS = ("flux", "flux-pro", "sdxl")
