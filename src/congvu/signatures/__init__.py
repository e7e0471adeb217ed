"""Digital signatures (chữ ký số): keys per official and agency, PAdES signing, validation."""
