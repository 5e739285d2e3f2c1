//! A product's [`Figures`] packed as bytes, the form a settled result is kept in (schema 7).
//!
//! Reading a kept result is what every screen does for every settled product, and JSON made it
//! cost more than computing the result afresh: about 650 small integers, each parsed from text
//! and most in a vector of its own. Packed, each number is a LEB128 varint (one byte for
//! anything under 128) in the order of the fields below, a vector is its length then its items,
//! and reading it back is a single pass that allocates only the vectors the figures hold.
//!
//! The first byte is the format's version. Anything that does not read back exactly — another
//! version, a short or overlong buffer, a number out of its type's range, text that is not
//! UTF-8 — is `None`: the store then computes the result afresh and `audit verify` names the
//! row. A length is never trusted beyond the bytes that remain, so a damaged row cannot make
//! the reader allocate more than the row itself.

use std::sync::Arc;

use super::{CriterionFigures, Figures, MarkerFigures, MemberScore, MinimumRule, NextStar};

/// The version of the layout below; a change to it gets a new number and a migration.
const VERSION: u8 = 1;

impl Figures {
    /// The figures as kept in the database.
    pub fn pack(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(1024));
        w.0.push(VERSION);
        w.num(self.counted);
        w.num(self.sum_total);
        w.len(self.members.len());
        for m in &self.members {
            w.num(m.seat);
            w.num(m.total);
            w.nums(&m.parts);
            w.nums(&m.sections);
            w.flag(m.complete);
            w.len(m.missing.len());
            for id in &m.missing {
                w.text(id);
            }
            w.len(m.invalid.len());
            for text in &m.invalid {
                w.text(text);
            }
        }
        w.nums(&self.incomplete);
        w.nums(&self.part_sums);
        w.nums(&self.section_sums);
        w.maybe(self.band_stars);
        w.maybe(self.minimum_stars);
        w.maybe(self.stars);
        w.len(self.markers.len());
        for m in &self.markers {
            w.nums(&m.met_by);
            w.nums(&m.not_met_by);
            w.num(m.sum);
            w.flag(m.holds);
        }
        match &self.knocked_out {
            None => w.num(0u8),
            Some(reason) => {
                w.num(1u8);
                w.text(reason);
            }
        }
        w.maybe(self.spread);
        w.num(self.max_spread);
        w.flag(self.spread_breach);
        w.num(match self.minimum_rule {
            MinimumRule::Majority => 0u8,
            MinimumRule::All => 1,
            MinimumRule::Mean => 2,
        });
        w.len(self.criteria.len());
        for c in &self.criteria {
            w.nums(&c.counts);
            w.num(c.sum);
            w.maybe(c.min);
            w.maybe(c.max);
        }
        match &self.next_star {
            None => w.num(0u8),
            Some(next) => {
                w.num(1u8);
                w.num(next.stars);
                w.0.extend_from_slice(&next.points_needed.to_bits().to_le_bytes());
                w.num(next.shortfall_sum);
                w.len(next.failing_minimums.len());
                for id in &next.failing_minimums {
                    w.text(id);
                }
            }
        }
        w.0
    }

    /// Figures packed by [`Figures::pack`], or `None` when the bytes are not exactly that.
    pub fn unpack(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader { bytes, at: 0 };
        if r.byte()? != VERSION {
            return None;
        }
        let counted = r.num()?;
        let sum_total = r.num()?;
        let members = r.list(|r| {
            Some(MemberScore {
                seat: r.num()?,
                total: r.num()?,
                parts: r.nums()?,
                sections: r.nums()?,
                complete: r.flag()?,
                missing: r.list(|r| r.text().map(Arc::from))?,
                invalid: r.list(|r| r.text().map(str::to_string))?,
            })
        })?;
        let incomplete = r.nums()?;
        let part_sums = r.nums()?;
        let section_sums = r.nums()?;
        let band_stars = r.maybe()?;
        let minimum_stars = r.maybe()?;
        let stars = r.maybe()?;
        let markers = r.list(|r| {
            Some(MarkerFigures {
                met_by: r.nums()?,
                not_met_by: r.nums()?,
                sum: r.num()?,
                holds: r.flag()?,
            })
        })?;
        let knocked_out = match r.byte()? {
            0 => None,
            1 => Some(r.text()?.to_string()),
            _ => return None,
        };
        let spread = r.maybe()?;
        let max_spread = r.num()?;
        let spread_breach = r.flag()?;
        let minimum_rule = match r.byte()? {
            0 => MinimumRule::Majority,
            1 => MinimumRule::All,
            2 => MinimumRule::Mean,
            _ => return None,
        };
        let criteria = r.list(|r| {
            Some(CriterionFigures {
                counts: r.nums()?,
                sum: r.num()?,
                min: r.maybe()?,
                max: r.maybe()?,
            })
        })?;
        let next_star = match r.byte()? {
            0 => None,
            1 => Some(NextStar {
                stars: r.num()?,
                points_needed: f64::from_bits(u64::from_le_bytes(r.take(8)?.try_into().ok()?)),
                shortfall_sum: r.num()?,
                failing_minimums: r.list(|r| r.text().map(Arc::from))?,
            }),
            _ => return None,
        };
        (r.at == bytes.len()).then_some(Self {
            counted,
            sum_total,
            members,
            incomplete,
            part_sums,
            section_sums,
            band_stars,
            minimum_stars,
            stars,
            markers,
            knocked_out,
            spread,
            max_spread,
            spread_breach,
            minimum_rule,
            criteria,
            next_star,
        })
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn num(&mut self, n: impl Into<u64>) {
        let mut n = n.into();
        while n >= 0x80 {
            self.0.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn len(&mut self, n: usize) {
        self.num(n as u64);
    }

    fn flag(&mut self, b: bool) {
        self.num(u8::from(b));
    }

    /// None as 0, a value as itself plus one.
    fn maybe(&mut self, n: Option<impl Into<u64>>) {
        self.num(n.map_or(0, |n| n.into() + 1));
    }

    fn nums<T: Copy + Into<u64>>(&mut self, items: &[T]) {
        self.len(items.len());
        for &n in items {
            self.num(n);
        }
    }

    fn text(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let taken = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(taken)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            // The tenth byte may carry only the top bit of a u64.
            if shift == 63 && bits > 1 {
                return None;
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn num<T: TryFrom<u64>>(&mut self) -> Option<T> {
        T::try_from(self.varint()?).ok()
    }

    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn maybe<T: TryFrom<u64>>(&mut self) -> Option<Option<T>> {
        match self.varint()? {
            0 => Some(None),
            n => T::try_from(n - 1).ok().map(Some),
        }
    }

    /// A length, no larger than the bytes left: every item takes at least one.
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len()?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(item(self)?);
        }
        Some(items)
    }

    fn nums<T: TryFrom<u64>>(&mut self) -> Option<Vec<T>> {
        self.list(Self::num)
    }

    fn text(&mut self) -> Option<&'b str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_read_back_at_their_edges() {
        for n in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut w = Writer(Vec::new());
            w.num(n);
            let mut r = Reader { bytes: &w.0, at: 0 };
            assert_eq!(r.varint(), Some(n));
            assert_eq!(r.at, w.0.len());
        }
        // Eleven bytes, or a tenth byte past 64 bits, are not a u64.
        let too_long = [0xffu8; 10];
        assert_eq!(
            Reader {
                bytes: &too_long,
                at: 0
            }
            .varint(),
            None
        );
        let mut past = [0xffu8; 10];
        past[9] = 0x02;
        assert_eq!(
            Reader {
                bytes: &past,
                at: 0
            }
            .varint(),
            None
        );
    }

    #[test]
    fn a_length_longer_than_the_row_is_refused_before_allocating() {
        let mut w = Writer(vec![VERSION]);
        w.num(7u8); // counted
        w.num(400u32); // sum_total
        w.len(usize::MAX >> 1); // members: far more than the bytes left
        assert_eq!(Figures::unpack(&w.0), None);
    }
}
