"""Two python-socketio clients play Skirmish's classic JSON protocol (docs/protocol.md).

Usage: classic_players.py URL TRANSPORT   (TRANSPORT: polling or websocket, never upgraded)

Both connect to URL's default namespace with no auth, as any plain Socket.IO client would, and
are placed in one classic match by the server (or the gateway). A walks to a point and B next
to it, A attacks, and A sends one malformed move. Every event either client receives is printed
as a JSON line on stdout ({"client", "event", "data"}), plus the test's own steps
({"client", "step", ...}), so the test that runs this script asserts on what the clients saw.
Exits 1 (after a {"step": "timeout"} line) when something awaited does not happen.
python-socketio's sync client handles each incoming event on a thread of its own, so lines may
come out in another order than the events arrived in.
"""
import json
import os
import sys
import threading
import time

import socketio
from engineio.payload import Payload

# python-engineio refuses a long-polling response of more than 16 packets and drops the connection
# (its issue #142; the maintainer's advice is to raise this limit). A classic match sends a
# player_moved per moving player per tick, so one late poll on a loaded machine collects more.
Payload.max_decode_packets = 100_000

URL, TRANSPORT = sys.argv[1], sys.argv[2]
# Generous: on a loaded 2-core machine a step can take many times its usual second or two.
WAIT_S = 60.0
# Where A and B walk: within attack range (10 units) of each other on the 100 x 100 map.
SPOT_A = {'x': 40.0, 'y': 50.0}
SPOT_B = {'x': 45.0, 'y': 50.0}

print_lock = threading.Lock()


def out(**fields):
    with print_lock:
        print(json.dumps(fields), flush=True)


class Player:
    """One Socket.IO connection, what it was told about every player, and a way to wait on it."""

    def __init__(self, name):
        self.name = name
        self.sio = socketio.Client(reconnection=False)
        self.seen = threading.Condition()
        self.positions = {}
        # Every (id, x, y) reported: handlers run out of order, so the latest-stored position can be
        # an older one, but a spot once reported stays reported.
        self.visited = set()
        self.attacked = []
        self.errors = []
        self.left = []
        self.sid = None
        self.disconnected = False
        self.sio.on('disconnect', self._on_disconnect)
        for event in ('new_player', 'player_moved', 'player_attacked', 'player_killed', 'player_left', 'error'):
            self.sio.on(event, self._handler(event))

    def _handler(self, event):
        def handle(data=None):
            out(client=self.name, event=event, data=data)
            with self.seen:
                if event in ('new_player', 'player_moved'):
                    self.positions[data['id']] = data['position']
                    self.visited.add((data['id'], data['position']['x'], data['position']['y']))
                elif event == 'player_attacked':
                    self.attacked.append(data)
                elif event == 'error':
                    self.errors.append(data)
                elif event == 'player_left':
                    self.left.append(data['id'])
                self.seen.notify_all()
        return handle

    def _on_disconnect(self):
        out(client=self.name, step='disconnected')
        with self.seen:
            self.disconnected = True
            self.seen.notify_all()

    def connect(self):
        # wait_timeout: python-socketio waits 1 s by default for the namespace's CONNECT, too short on a loaded machine.
        self.sio.connect(URL, transports=[TRANSPORT], wait_timeout=WAIT_S)
        self.sid = self.sio.get_sid()
        out(client=self.name, step='connected', sid=self.sid, transport=self.sio.transport())

    def wait(self, what, predicate):
        with self.seen:
            if not self.seen.wait_for(lambda: predicate() or self.disconnected, timeout=WAIT_S) or not predicate():
                out(client=self.name, step='timeout', what=what, disconnected=self.disconnected)
                # Not sys.exit: the clients' own threads would keep the process alive.
                os._exit(1)

    def reached(self, sid, spot):
        return (sid, spot['x'], spot['y']) in self.visited


def main():
    a, b = Player('a'), Player('b')
    a.connect()
    a.wait('own new_player', lambda: a.sid in a.positions)
    b.connect()
    b.wait('own new_player', lambda: b.sid in b.positions)
    a.wait('new_player of b', lambda: b.sid in a.positions)

    a.sio.emit('move', SPOT_A)
    b.sio.emit('move', SPOT_B)
    # The server is authoritative: each waits for its own position to reach its spot, then for the other's.
    a.wait('own walk to its spot', lambda: a.reached(a.sid, SPOT_A))
    b.wait('own walk to its spot', lambda: b.reached(b.sid, SPOT_B))
    a.wait('b at its spot', lambda: a.reached(b.sid, SPOT_B))
    out(client='a', step='arrived')

    a.sio.emit('attack')
    b.wait('player_attacked', lambda: any(hit['id'] == b.sid for hit in b.attacked))

    a.sio.emit('move', {'x': 'east', 'y': 50})
    a.wait('error for a malformed move', lambda: len(a.errors) > 0)

    b.sio.disconnect()
    a.wait('player_left of b', lambda: b.sid in a.left)
    a.sio.disconnect()
    out(step='done')


if __name__ == '__main__':
    try:
        main()
    except Exception as error:  # a refused or lost connection: say so, and do not wait on the clients' threads
        out(step='failed', error=repr(error))
        os._exit(1)
