//! Places a candidate names: California's 58 counties with the five regions results are
//! reported by, and the other states an out-of-state certification may come from.
//!
//! The regions are the County Behavioral Health Directors Association's grouping (Bay Area,
//! Central, Los Angeles, Southern, Superior), which the program uses for its reports. Staff
//! should confirm the grouping against the program's current list before publishing figures.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    BayArea,
    Central,
    LosAngeles,
    Southern,
    Superior,
}

impl Region {
    pub fn name(self) -> &'static str {
        match self {
            Region::BayArea => "Bay Area",
            Region::Central => "Central",
            Region::LosAngeles => "Los Angeles",
            Region::Southern => "Southern",
            Region::Superior => "Superior",
        }
    }
}

/// Every county with its region, in alphabetical order (the order of the form's list).
pub const COUNTIES: [(&str, Region); 58] = [
    ("Alameda", Region::BayArea),
    ("Alpine", Region::Central),
    ("Amador", Region::Central),
    ("Butte", Region::Superior),
    ("Calaveras", Region::Central),
    ("Colusa", Region::Superior),
    ("Contra Costa", Region::BayArea),
    ("Del Norte", Region::Superior),
    ("El Dorado", Region::Central),
    ("Fresno", Region::Central),
    ("Glenn", Region::Superior),
    ("Humboldt", Region::Superior),
    ("Imperial", Region::Southern),
    ("Inyo", Region::Central),
    ("Kern", Region::Southern),
    ("Kings", Region::Central),
    ("Lake", Region::Superior),
    ("Lassen", Region::Superior),
    ("Los Angeles", Region::LosAngeles),
    ("Madera", Region::Central),
    ("Marin", Region::BayArea),
    ("Mariposa", Region::Central),
    ("Mendocino", Region::Superior),
    ("Merced", Region::Central),
    ("Modoc", Region::Superior),
    ("Mono", Region::Central),
    ("Monterey", Region::BayArea),
    ("Napa", Region::BayArea),
    ("Nevada", Region::Superior),
    ("Orange", Region::Southern),
    ("Placer", Region::Central),
    ("Plumas", Region::Superior),
    ("Riverside", Region::Southern),
    ("Sacramento", Region::Central),
    ("San Benito", Region::BayArea),
    ("San Bernardino", Region::Southern),
    ("San Diego", Region::Southern),
    ("San Francisco", Region::BayArea),
    ("San Joaquin", Region::Central),
    ("San Luis Obispo", Region::Southern),
    ("San Mateo", Region::BayArea),
    ("Santa Barbara", Region::Southern),
    ("Santa Clara", Region::BayArea),
    ("Santa Cruz", Region::BayArea),
    ("Shasta", Region::Superior),
    ("Sierra", Region::Superior),
    ("Siskiyou", Region::Superior),
    ("Solano", Region::BayArea),
    ("Sonoma", Region::BayArea),
    ("Stanislaus", Region::Central),
    ("Sutter", Region::Central),
    ("Tehama", Region::Superior),
    ("Trinity", Region::Superior),
    ("Tulare", Region::Central),
    ("Tuolumne", Region::Central),
    ("Ventura", Region::Southern),
    ("Yolo", Region::Central),
    ("Yuba", Region::Central),
];

/// The states (and the District of Columbia) other than California, for the reciprocity pathway.
pub const OTHER_STATES: [&str; 50] = [
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "Colorado",
    "Connecticut",
    "Delaware",
    "District of Columbia",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
];

/// The region of a county named exactly as in `COUNTIES`.
pub fn region_of(county: &str) -> Option<Region> {
    COUNTIES
        .iter()
        .find(|(name, _)| *name == county)
        .map(|(_, region)| *region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_county_once_in_order_with_the_regions_sizes() {
        let names: Vec<&str> = COUNTIES.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "alphabetical, no repeats");
        let count = |r| COUNTIES.iter().filter(|(_, x)| *x == r).count();
        assert_eq!(count(Region::LosAngeles), 1);
        assert_eq!(count(Region::BayArea), 12);
        assert_eq!(count(Region::Superior), 16);
        assert_eq!(count(Region::Southern), 9);
        assert_eq!(count(Region::Central), 20);
        assert_eq!(region_of("Fresno"), Some(Region::Central));
        assert_eq!(region_of("fresno"), None);
        let mut states = OTHER_STATES.to_vec();
        states.sort_unstable();
        states.dedup();
        assert_eq!(states.len(), 50);
        assert!(!states.contains(&"California"));
    }
}
