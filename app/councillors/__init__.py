"""Pages for ward councillors: reports in their wards, reporting for a resident, the digest."""
