//! The chime at a phase change (setting "sound", on by default): two soft bell notes,
//! synthesised here — nothing to ship or license — and played from Rust on the default audio
//! output. The output is opened for each chime and closed after it, so an idle app holds no
//! audio device and wakes no audio thread. Without an output (a server, CI) it says so once.

use std::f32::consts::TAU;
use std::num::NonZero;
use std::sync::mpsc;
use std::time::Duration;

const RATE: u32 = 44_100;
/// Each note: its pitch (Hz) and when it starts (s). A rising fourth, like a doorbell's "ding-dong" upside down.
const NOTES: [(f32, f32); 2] = [(880.0, 0.0), (1174.66, 0.16)];
const LENGTH_SECS: f32 = 1.1;
const VOLUME: f32 = 0.22;

/// The chime as mono samples at [`RATE`]: each note a sine with a little of its octave,
/// a 6 ms attack (no click) and an exponential decay.
pub fn chime_samples() -> Vec<f32> {
    let total = (LENGTH_SECS * RATE as f32) as usize;
    (0..total)
        .map(|i| {
            let t = i as f32 / RATE as f32;
            let sum: f32 = NOTES
                .iter()
                .filter(|(_, start)| t >= *start)
                .map(|(pitch, start)| {
                    let local = t - start;
                    let attack = (local / 0.006).min(1.0);
                    let decay = (-local * 4.5).exp();
                    let tone = (TAU * pitch * local).sin() + 0.3 * (TAU * 2.0 * pitch * local).sin();
                    tone * attack * decay
                })
                .sum();
            // Faded out over the last 50 ms, so the end is silent whatever the decay left.
            let tail = ((LENGTH_SECS - t) / 0.05).clamp(0.0, 1.0);
            sum * VOLUME * tail
        })
        .collect()
}

/// Plays chimes one after another on a thread of its own; `play` returns at once.
pub struct Chime {
    requests: mpsc::Sender<()>,
}

impl Chime {
    pub fn start() -> Self {
        let (requests, incoming) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new().name("chime".into()).spawn(move || {
            let samples = chime_samples();
            let mut reported = false;
            while incoming.recv().is_ok() {
                if let Err(e) = play(&samples) {
                    if !reported {
                        log::info!("no sound at phase changes: {e}");
                    }
                    reported = true;
                }
            }
        });
        if let Err(e) = spawned {
            log::warn!("no sound at phase changes (no thread: {e})");
        }
        Self { requests }
    }

    pub fn play(&self) {
        let _ = self.requests.send(());
    }
}

fn play(samples: &[f32]) -> Result<(), String> {
    let mut sink = rodio::DeviceSinkBuilder::open_default_sink().map_err(|e| e.to_string())?;
    sink.log_on_drop(false);
    let rate = NonZero::new(RATE).expect("not zero");
    let mono = NonZero::new(1).expect("not zero");
    sink.mixer().add(rodio::buffer::SamplesBuffer::new(mono, rate, samples.to_vec()));
    // The output plays while `sink` lives; a little longer than the chime, then it closes.
    std::thread::sleep(Duration::from_secs_f32(LENGTH_SECS) + Duration::from_millis(150));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_is_short_soft_and_ends_in_silence() {
        let s = chime_samples();
        assert_eq!(s.len(), (LENGTH_SECS * RATE as f32) as usize, "about a second");
        let peak = s.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(peak > 0.1 && peak < 0.5, "audible but never loud: peak {peak}");
        assert!(s[0].abs() < 1e-3, "starts without a click");
        assert!(s.last().unwrap().abs() < 1e-4, "ends in silence");
        let second_note = (NOTES[1].1 * RATE as f32) as usize;
        let energy = |r: std::ops::Range<usize>| s[r].iter().map(|x| x * x).sum::<f32>();
        assert!(energy(second_note..second_note + 4410) > 0.0, "the second note sounds");
    }
}
