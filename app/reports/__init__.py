"""PDF review documents and MHSDS exports, fed by domain objects. Arrives with the reports issue."""
