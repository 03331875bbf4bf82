//! The tray icon, drawn rather than shipped: a dark disk with a light rim (visible on light
//! and dark panels alike) and a sign for the state — a ring when idle, a dot in a ring for
//! the commitment and closing rounds, a shrinking pie for the time left in a focus block
//! (warm) or a break (green), two bars while paused. Drawn at any size, anti-aliased by
//! supersampling, so it stays crisp at every tray size.

use std::f32::consts::TAU;

/// What the icon shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrayLook {
    Idle,
    Round,
    /// `left` is the share of the phase still to go, 0.0–1.0.
    Focus {
        left: f32,
    },
    Break {
        left: f32,
    },
    Paused,
}

type Rgba = [u8; 4];

const RIM: Rgba = [0xe5, 0xeb, 0xe8, 0xff];
const DISK: Rgba = [0x1d, 0x28, 0x26, 0xff];
const TEAL: Rgba = [0x80, 0xc4, 0xb7, 0xff];
const TRACK: Rgba = [0x3a, 0x49, 0x45, 0xff];
const FOCUS: Rgba = [0xf2, 0x8c, 0x5b, 0xff];
const BREAK: Rgba = [0x7f, 0xcf, 0x8a, 0xff];
const PAUSED: Rgba = [0xe3, 0xbd, 0x7a, 0xff];

/// Samples per pixel along each axis.
const SUPERSAMPLE: u32 = 4;

/// The colour of the topmost shape at (x, y), in units of the icon's radius with the
/// centre at (0, 0) and y pointing down; `None` outside the icon.
fn paint(look: TrayLook, x: f32, y: f32) -> Option<Rgba> {
    let d = (x * x + y * y).sqrt();
    if d > 1.0 {
        return None;
    }
    if d > 0.86 {
        return Some(RIM);
    }
    let ring = |inner: f32, outer: f32, colour: Rgba| (inner..=outer).contains(&d).then_some(colour);
    let pie = |left: f32, colour: Rgba| {
        // Clockwise from twelve o'clock, like a kitchen timer.
        let angle = (x.atan2(-y) + TAU) % TAU;
        (d < 0.62).then_some(if angle <= left.clamp(0.0, 1.0) * TAU { colour } else { TRACK })
    };
    let shape = match look {
        TrayLook::Idle => ring(0.36, 0.56, TEAL),
        TrayLook::Round => ring(0.44, 0.6, TEAL).or((d < 0.24).then_some(TEAL)),
        TrayLook::Focus { left } => pie(left, FOCUS),
        TrayLook::Break { left } => pie(left, BREAK),
        TrayLook::Paused => {
            let bar = |cx: f32| (x - cx).abs() < 0.12 && y.abs() < 0.42;
            (bar(-0.22) || bar(0.22)).then_some(PAUSED)
        }
    };
    Some(shape.unwrap_or(DISK))
}

/// The icon as `size`×`size` RGBA pixels, row by row (what `tauri::image::Image` takes).
pub fn draw(look: TrayLook, size: u32) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    let radius = size as f32 / 2.0;
    let samples = (SUPERSAMPLE * SUPERSAMPLE) as f32;
    for py in 0..size {
        for px in 0..size {
            // Premultiplied sums, so edges blend into transparency without dark fringes.
            let mut sum = [0.0f32; 4];
            for sy in 0..SUPERSAMPLE {
                for sx in 0..SUPERSAMPLE {
                    let x = (px as f32 + (sx as f32 + 0.5) / SUPERSAMPLE as f32 - radius) / radius;
                    let y = (py as f32 + (sy as f32 + 0.5) / SUPERSAMPLE as f32 - radius) / radius;
                    if let Some([r, g, b, a]) = paint(look, x, y) {
                        let alpha = f32::from(a) / 255.0;
                        sum[0] += f32::from(r) * alpha;
                        sum[1] += f32::from(g) * alpha;
                        sum[2] += f32::from(b) * alpha;
                        sum[3] += alpha;
                    }
                }
            }
            let coverage = sum[3] / samples;
            if coverage == 0.0 {
                pixels.extend_from_slice(&[0, 0, 0, 0]);
            } else {
                let unpremultiply = |c: f32| (c / sum[3]).round().clamp(0.0, 255.0) as u8;
                pixels.extend_from_slice(&[
                    unpremultiply(sum[0]),
                    unpremultiply(sum[1]),
                    unpremultiply(sum[2]),
                    (coverage * 255.0).round() as u8,
                ]);
            }
        }
    }
    pixels
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: u32 = 32;

    fn pixel(pixels: &[u8], x: u32, y: u32) -> Rgba {
        let i = ((y * SIZE + x) * 4) as usize;
        pixels[i..i + 4].try_into().unwrap()
    }

    #[test]
    fn corners_are_transparent_and_the_rim_is_light() {
        let icon = draw(TrayLook::Idle, SIZE);
        assert_eq!(icon.len(), (SIZE * SIZE * 4) as usize);
        assert_eq!(pixel(&icon, 0, 0)[3], 0, "a round icon leaves the corners to the panel");
        assert_eq!(pixel(&icon, SIZE / 2, 1), RIM, "a light rim shows on dark panels");
        assert_eq!(pixel(&icon, SIZE / 2, SIZE / 2), DISK, "an idle icon is an empty ring");
    }

    #[test]
    fn the_pie_shrinks_clockwise_as_the_phase_runs() {
        // Right of centre is a quarter turn clockwise from twelve; left of centre three quarters.
        let (right, left) = ((SIZE * 5 / 8, SIZE / 2), (SIZE * 3 / 8, SIZE / 2));
        let full = draw(TrayLook::Focus { left: 1.0 }, SIZE);
        assert_eq!(pixel(&full, right.0, right.1), FOCUS);
        assert_eq!(pixel(&full, left.0, left.1), FOCUS);
        let half = draw(TrayLook::Focus { left: 0.5 }, SIZE);
        assert_eq!(pixel(&half, right.0, right.1), FOCUS, "the first half is still to go");
        assert_eq!(pixel(&half, left.0, left.1), TRACK, "the last half has passed");
        let brk = draw(TrayLook::Break { left: 1.0 }, SIZE);
        assert_eq!(pixel(&brk, right.0, right.1), BREAK, "breaks are green, focus is warm");
    }

    #[test]
    fn every_state_looks_different() {
        let looks = [
            TrayLook::Idle,
            TrayLook::Round,
            TrayLook::Focus { left: 0.7 },
            TrayLook::Break { left: 0.7 },
            TrayLook::Paused,
        ];
        for (i, a) in looks.iter().enumerate() {
            for b in &looks[i + 1..] {
                assert_ne!(draw(*a, SIZE), draw(*b, SIZE), "{a:?} and {b:?} must be told apart");
            }
        }
    }
}
