export interface UsersTable {
  id: number;
  username: string | null;
  password_hash: string | null;
  mobile_enc: string | null;
  mobile_idx: string | null;
  name: string;
  avatar: string;
  signature: string;
  created_at: number;
  updated_at: number;
}

export interface CodesTable {
  mobile_idx: string;
  code_hash: string;
  expires_at: number;
  attempts: number;
  created_at: number;
}

export interface UserDB {
  users: UsersTable;
  verification_codes: CodesTable;
}
