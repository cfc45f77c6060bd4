//! `Distance`: how far a contact is from the account in LinkedIn's network.

use super::open_enum::open_string_enum;

open_string_enum! {
    /// The LinkedIn network distance of a contact from the account. The docs show
    /// `DISTANCE_3`; `DISTANCE_1` and `DISTANCE_2` follow LinkedIn's degrees.
    pub enum Distance {
        /// `DISTANCE_1`: a first-degree connection.
        First = "DISTANCE_1",
        /// `DISTANCE_2`: a second-degree connection.
        Second = "DISTANCE_2",
        /// `DISTANCE_3`: third degree or further.
        Third = "DISTANCE_3",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_and_keep_unknown_ones() {
        let distance: Distance = serde_json::from_str("\"DISTANCE_3\"").unwrap();
        assert_eq!(distance, Distance::Third);
        assert_eq!(
            Distance::from("DISTANCE_9"),
            Distance::Other("DISTANCE_9".into())
        );
    }
}
