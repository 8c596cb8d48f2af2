"""Refusals of admin-only commands (``bot.permissions``): a member without the permission, or a direct message."""

EN = {
    "permissions.missing": "Only members with the {permissions} permission in this server can use this command.",
    "permissions.guild_only": "This command only works in a server, not in direct messages.",
    "permissions.name.manage_guild": "Manage Server",
    "permissions.name.administrator": "Administrator",
}

ZH_CN = {
    "permissions.missing": "只有在本服务器拥有“{permissions}”权限的成员才能使用此命令。",
    "permissions.guild_only": "此命令只能在服务器中使用，不能在私信中使用。",
    "permissions.name.manage_guild": "管理服务器",
    "permissions.name.administrator": "管理员",
}
