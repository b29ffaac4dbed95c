"""Turning a draft into an MP4: the ffmpeg command builder and runner, and the render job queue."""
