"""studybot on Slack: slack-bolt's AsyncApp over Socket Mode or HTTP.

`translate` turns Slack payloads into core events and `render` turns core
replies into Block Kit (both pure); `app` wires them into one Bolt app that
both transports share; `runner.serve_slack` picks the transport.
"""
