"""The local engine: the NemoVideo protocol on loopback, rendering real MP4s with ffmpeg."""
