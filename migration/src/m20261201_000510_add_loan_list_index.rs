//! The cadres' list of loan applications is ordered by review due date (then id): with an index
//! on exactly that order the first page is read from the index instead of sorting every
//! application in the cadre's area (the province's list at 100,000 applications,
//! `bench/loans.sh`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_loan_applications_review_due_id")
                    .table("loan_applications")
                    .col("review_due_at")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_loan_applications_review_due_id")
                    .table("loan_applications")
                    .to_owned(),
            )
            .await
    }
}
