;; sort: 200,000 pseudo-random ints from a Park-Miller generator; sort the list
;; with a stable merge sort (R7RS has no sort), copy it into a vector, sort a
;; second vector in place with a hand-written quicksort, compare them, and run
;; vector passes.
(define n 200000)

(define (merge-lists a b less?)
  (let loop ((a a) (b b) (acc '()))
    (cond ((null? a) (append-reverse acc b))
          ((null? b) (append-reverse acc a))
          ((less? (car b) (car a)) (loop a (cdr b) (cons (car b) acc)))
          (else (loop (cdr a) b (cons (car a) acc))))))

(define (append-reverse rev tail)
  (if (null? rev) tail (append-reverse (cdr rev) (cons (car rev) tail))))

(define (merge-sort l less?)
  (define (step l len)                  ; sorts the first len elements of l
    (if (<= len 1)
        (if (= len 0) '() (list (car l)))
        (let ((half (quotient len 2)))
          (merge-lists (step l half) (step (list-tail l half) (- len half)) less?))))
  (step l (length l)))

(define (next-random x) (remainder (* x 48271) 2147483647))

(define (random-list n seed)
  (let loop ((i 0) (x seed) (acc '()))
    (if (= i n)
        acc
        (let ((y (next-random x)))
          (loop (+ i 1) y (cons (remainder y 1000000) acc))))))

(define (vector-swap! v i j)
  (let ((t0 (vector-ref v i)))
    (vector-set! v i (vector-ref v j))
    (vector-set! v j t0)))

(define (quicksort! v lo hi)            ; sorts v[lo..hi] in place
  (when (< lo hi)
    (let ((pivot (vector-ref v (quotient (+ lo hi) 2))))
      (let loop ((i lo) (j hi))
        (if (<= i j)
            (let scan-i ((i i))
              (if (< (vector-ref v i) pivot)
                  (scan-i (+ i 1))
                  (let scan-j ((j j))
                    (if (> (vector-ref v j) pivot)
                        (scan-j (- j 1))
                        (if (<= i j)
                            (begin (vector-swap! v i j)
                                   (loop (+ i 1) (- j 1)))
                            (loop i j))))))
            (begin (quicksort! v lo j)
                   (quicksort! v i hi)))))))

(define (checksum v)
  (let loop ((i 0) (s 0))
    (if (= i (vector-length v))
        s
        (loop (+ i 1) (remainder (+ (* s 31) (vector-ref v i)) 1000000007)))))

(define (vectors-equal? a b)
  (let loop ((i 0))
    (cond ((= i (vector-length a)) 1)
          ((= (vector-ref a i) (vector-ref b i)) (loop (+ i 1)))
          (else 0))))

(define (reverse-vector! v)
  (let loop ((i 0) (j (- (vector-length v) 1)))
    (when (< i j)
      (vector-swap! v i j)
      (loop (+ i 1) (- j 1)))))

(define (one-round seed)
  (let* ((l (random-list n seed))
         (sorted (merge-sort l (lambda (a b) (< a b))))
         (v1 (list->vector sorted))
         (v2 (list->vector l)))
    (quicksort! v2 0 (- (vector-length v2) 1))
    (let ((eq (vectors-equal? v1 v2))
          (c1 (checksum v1)))
      (reverse-vector! v2)
      (+ c1 (checksum v2) eq (vector-ref v2 0)))))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (one-round (+ k 12345))))))

(display "sort ") (display (repeat 3 0)) (newline)
