// Sound cues for the ceremony, synthesised with WebAudio (no sound files): a soft drum roll before a
// name, a chord when it appears, a longer fanfare for a first place. Only on the projector, and only
// when enabled: the host mutes it for the hall (the `sound` of the board settings, docs/protocol.md),
// M on the projector's keyboard toggles it locally. Browsers allow sound only after one key press or
// click on the page (F for full screen is enough).

let audio = null;
let enabled = true;

export function setSound(on) {
  enabled = !!on;
  if (!enabled && audio) audio.suspend?.().catch(() => {});
}

export const soundEnabled = () => enabled;

function context() {
  if (!enabled) return null;
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return null;
  if (!audio) audio = new Ctx();
  if (audio.state === "suspended") audio.resume().catch(() => {});
  return audio.state === "running" ? audio : null;
}

function tone(ac, freq, start, length, { type = "sine", gain = 0.18 } = {}) {
  const osc = ac.createOscillator();
  const amp = ac.createGain();
  osc.type = type;
  osc.frequency.value = freq;
  amp.gain.setValueAtTime(0, start);
  amp.gain.linearRampToValueAtTime(gain, start + 0.02);
  amp.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(amp).connect(ac.destination);
  osc.start(start);
  osc.stop(start + length + 0.05);
}

function roll(ac, seconds) {
  const now = ac.currentTime;
  for (let i = 0, at = now; at < now + seconds; i += 1, at += 0.07) {
    tone(ac, 90 + (i % 2) * 8, at, 0.09, { type: "triangle", gain: 0.05 + (0.12 * (at - now)) / seconds });
  }
}

function chord(ac, notes, length, gain) {
  const now = ac.currentTime;
  notes.forEach((f, i) => tone(ac, f, now + i * 0.06, length, { type: "triangle", gain }));
}

/** Play a named cue: drumroll | drumroll-long | reveal | finale | honour. Silent when muted. */
export function cue(name) {
  const ac = context();
  if (!ac) return;
  if (name === "drumroll") roll(ac, 1.5);
  else if (name === "drumroll-long") roll(ac, 2.5);
  else if (name === "reveal") chord(ac, [523.25, 659.25, 783.99], 1.2, 0.12);
  else if (name === "finale") {
    chord(ac, [523.25, 659.25, 783.99, 1046.5], 2.4, 0.12);
    setTimeout(() => chord(ac, [587.33, 739.99, 880, 1174.66], 2.2, 0.1), 450);
  } else if (name === "honour") chord(ac, [392, 493.88, 587.33], 1.4, 0.1);
}
