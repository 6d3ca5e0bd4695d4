//! A persons × items matrix of scored responses, with gaps for items a person never saw
//! (adaptive and linear-on-the-fly forms give every candidate a different subset).

/// One scored response: `Some(true)` correct, `Some(false)` wrong, `None` not administered.
pub type Response = Option<bool>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatrixError {
    #[error("{cells} cells cannot be split into rows of {items} items")]
    Ragged { cells: usize, items: usize },
    #[error("a response matrix needs at least one item")]
    NoItems,
}

/// Row-major: row `i` holds person `i`'s responses to every item, in item order.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseMatrix {
    items: usize,
    cells: Vec<Response>,
}

impl ResponseMatrix {
    pub fn new(items: usize, cells: Vec<Response>) -> Result<Self, MatrixError> {
        if items == 0 {
            return Err(MatrixError::NoItems);
        }
        if !cells.len().is_multiple_of(items) {
            return Err(MatrixError::Ragged {
                cells: cells.len(),
                items,
            });
        }
        Ok(Self { items, cells })
    }

    /// From complete 0/1 rows, as most reference data sets come.
    pub fn from_binary_rows(rows: &[Vec<u8>]) -> Result<Self, MatrixError> {
        let items = rows.first().map_or(0, Vec::len);
        let cells = rows
            .iter()
            .flat_map(|r| r.iter().map(|&v| Some(v != 0)))
            .collect();
        Self::new(items, cells)
    }

    pub fn persons(&self) -> usize {
        self.cells.len() / self.items
    }

    pub fn items(&self) -> usize {
        self.items
    }

    pub fn row(&self, person: usize) -> &[Response] {
        &self.cells[person * self.items..(person + 1) * self.items]
    }

    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[Response]> + '_ {
        self.cells.chunks_exact(self.items)
    }

    pub fn get(&self, person: usize, item: usize) -> Response {
        self.cells[person * self.items + item]
    }

    /// True when nobody skipped anything (classical statistics need this).
    pub fn is_complete(&self) -> bool {
        self.cells.iter().all(Option::is_some)
    }

    /// The first missing cell, as (person, item), if any.
    pub fn first_missing(&self) -> Option<(usize, usize)> {
        self.cells
            .iter()
            .position(Option::is_none)
            .map(|i| (i / self.items, i % self.items))
    }

    /// A new matrix with only the listed item columns, in that order.
    pub fn select_items(&self, columns: &[usize]) -> Result<Self, MatrixError> {
        let cells = self
            .rows()
            .flat_map(|r| columns.iter().map(move |&j| r[j]))
            .collect();
        Self::new(columns.len(), cells)
    }
}
