/** Free and total bytes of the file system holding the kiosk's data (journal, photos, roster). */
export interface DiskSpace {
  freeBytes: number
  totalBytes: number
}
