"""A real SMTP server for the end-to-end tests (aiosmtpd): every message it accepts is written
whole, as received, to FOLDER/<n>.eml. Prints "ready" once it listens on 127.0.0.1:PORT, and
stops when its standard input closes (the test that started it ended).

    python3 tests/smtp/sink.py PORT FOLDER
"""

import itertools
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.numbers)
        partial = os.path.join(self.folder, f".{n:06}.partial")
        with open(partial, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(partial, os.path.join(self.folder, f"{n:06}.eml"))
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
