"""The Discord adapter: slash commands, buttons, modals and threads over discord.py.

`translate` turns interaction payloads into core events, `render` turns core
replies into embeds, buttons and modals (both pure); `client` wires them to a
`discord.Client`; `runner.serve_discord` is what `studybot run` starts.
"""
