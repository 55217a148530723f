#!/usr/bin/env python3
"""The cover letters of the queue's topic series agree with the patches.

patches/series starts each topic series with a line "# topic: NAME"; its
cover letter is patches/covers/NAME.txt, whose patch map lists every patch
of the topic, in order, as

    [K/N] <subject of the patch>
          <what it is for, any number of lines>
          files: <every file the patch touches, comma-separated>

This test fails when a topic has no cover letter, when a cover letter lists
other patches, another order, or other files than the patches touch, and
when a patch belongs to no topic.

Usage: covers.py              check (exit 1 on a mismatch)
       covers.py --skeleton   print each topic's patch map without purposes
"""
import email
import email.policy
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATCHES = os.path.join(TOP, 'patches')


def patch_info(name):
    """(subject, [files]) of a git format-patch file."""
    with open(os.path.join(PATCHES, name), 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    subject = re.sub(r'^\[PATCH[^\]]*\]\s*', '', str(msg['Subject']))
    subject = ' '.join(subject.split())
    files = []
    with open(os.path.join(PATCHES, name), encoding='utf-8',
              errors='replace') as f:
        for line in f:
            m = re.match(r'^diff --git a/(\S+) b/(\S+)$', line)
            if m and m.group(2) not in files:
                files.append(m.group(2))
    return subject, files


def topics():
    """[(topic, [patch file, ...]), ...] in series order."""
    result = []
    with open(os.path.join(PATCHES, 'series')) as f:
        for line in f:
            line = line.strip()
            m = re.match(r'^# topic: (\S+)$', line)
            if m:
                result.append((m.group(1), []))
            elif line and not line.startswith('#'):
                if not result:
                    result.append((None, []))
                result[-1][1].append(line)
    return result


def cover_map(text):
    """[(subject, [files])] from a cover letter's patch map."""
    entries = []
    for line in text.splitlines():
        m = re.match(r'^\[(\d+)/(\d+)\] (.*)$', line)
        if m:
            entries.append([' '.join(m.group(3).split()), None])
            continue
        m = re.match(r'^\s+files: (.*)$', line)
        if m and entries:
            entries[-1][1] = [x.strip() for x in m.group(1).split(',')]
    return entries


def main():
    skeleton = '--skeleton' in sys.argv[1:]
    bad = 0
    for topic, names in topics():
        infos = [patch_info(n) for n in names]
        if skeleton:
            print(f'== {topic}')
            for i, (subject, files) in enumerate(infos, 1):
                print(f'[{i}/{len(infos)}] {subject}')
                print(f'      files: {", ".join(files)}')
            continue
        if topic is None:
            print(f'FAIL: {len(names)} patches before the first "# topic:" line')
            bad += 1
            continue
        path = os.path.join(PATCHES, 'covers', topic + '.txt')
        if not os.path.exists(path):
            print(f'FAIL: topic {topic} has no cover letter {path}')
            bad += 1
            continue
        with open(path) as f:
            text = f.read()
        listed = cover_map(text)
        want = [[s, f] for s, f in infos]
        if [s for s, _ in listed] != [s for s, _ in want]:
            print(f'FAIL: covers/{topic}.txt lists other patches than the series:')
            print('  listed:  ' + '\n           '.join(s for s, _ in listed))
            print('  series:  ' + '\n           '.join(s for s, _ in want))
            bad += 1
            continue
        for (s, lf), (_, wf) in zip(listed, want):
            if lf is None or sorted(lf) != sorted(wf):
                print(f'FAIL: covers/{topic}.txt: "{s}" touches {", ".join(wf)}'
                      f', the cover says {lf}')
                bad += 1
        if not re.search(rf'^Subject: \[PATCH 0/{len(names)}\] ', text, re.M):
            print(f'FAIL: covers/{topic}.txt: no "Subject: [PATCH 0/{len(names)}] ..." line')
            bad += 1
        print(f'ok {topic}: {len(names)} patches')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
